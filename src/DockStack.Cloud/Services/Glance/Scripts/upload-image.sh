#!/bin/sh
# Usage: upload-image.sh FILE URL NAME, with TOKEN in the environment: uploads an image's data to Glance (PUT .../file).
set -e
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' --data-binary "@$1" "$2")
[ "$code" = 204 ] || { echo "Glance answered HTTP $code to the upload of $3" >&2; exit 1; }
