PANEL = 'appcontainer_images'
PANEL_GROUP = 'container'
PANEL_DASHBOARD = 'project'
ADD_PANEL = 'dockstack_containers.content.images.panel.Images'
