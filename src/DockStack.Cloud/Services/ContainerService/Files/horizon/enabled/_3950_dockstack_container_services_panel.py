PANEL = 'appcontainer_services'
PANEL_GROUP = 'container'
PANEL_DASHBOARD = 'admin'
ADD_PANEL = 'dockstack_containers.content.services.panel.Services'
