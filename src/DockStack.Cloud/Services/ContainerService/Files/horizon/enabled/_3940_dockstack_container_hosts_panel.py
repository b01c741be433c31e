PANEL = 'appcontainer_hosts'
PANEL_GROUP = 'container'
PANEL_DASHBOARD = 'admin'
ADD_PANEL = 'dockstack_containers.content.hosts.panel.Hosts'
