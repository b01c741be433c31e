PANEL = 'appcontainers'
PANEL_GROUP = 'container'
PANEL_DASHBOARD = 'project'
ADD_PANEL = 'dockstack_containers.content.containers.panel.Containers'
