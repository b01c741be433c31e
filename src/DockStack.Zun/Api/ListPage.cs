using System.Globalization;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api;

/// <summary>A list's paging as Zun reads it: limit (positive, at most <c>[api] max_limit</c>), marker, sort_key and sort_dir.</summary>
public sealed record ListPage(int Limit, string? Marker, string SortKey, string SortDir)
{
    public static ListPage Read(RequestParams p, ZunConfig config, IReadOnlyCollection<string> sortable)
    {
        var limit = Math.Min(p.String("limit") is { } l
            ? int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new InvalidValue($"Limit must be positive integer")
            : config.MaxLimit, config.MaxLimit);
        var sortDir = p.String("sort_dir") ?? "asc";
        if (sortDir is not ("asc" or "desc")) { throw new InvalidValue($"Invalid sort direction: {sortDir}. Acceptable values are 'asc' or 'desc'"); }
        var sortKey = p.String("sort_key") ?? "id";
        if (!sortable.Contains(sortKey)) { throw new InvalidValue($"Invalid sort_key: {sortKey}"); }
        return new ListPage(limit, p.String("marker"), sortKey, sortDir);
    }

    /// <summary>The next page's URL when this page is full (<paramref name="count"/> rows, the last one <paramref name="lastUuid"/>); else null.</summary>
    public string? Next(HttpRequest request, string collection, int count, string? lastUuid) => count == Limit
        ? $"{ZunResults.HostUrl(request)}/v1/{collection}?sort_key={SortKey}&sort_dir={SortDir}&limit={Limit}&marker={lastUuid}"
        : null;
}
