# Admin -> Container: the container service's hosts and services.
PANEL_GROUP = 'container'
PANEL_GROUP_NAME = 'Container'
PANEL_GROUP_DASHBOARD = 'admin'
