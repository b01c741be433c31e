# DockStack's container panels (what zun-ui gave DevStack): Project -> Container.
PANEL_GROUP = 'container'
PANEL_GROUP_NAME = 'Container'
PANEL_GROUP_DASHBOARD = 'project'
ADD_INSTALLED_APPS = ['dockstack_containers']
