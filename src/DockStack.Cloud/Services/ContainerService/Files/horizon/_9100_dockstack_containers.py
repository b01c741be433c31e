# dockstack: the container panels check Zun's policy names against this file (see the container service's README).
POLICY_FILES['container'] = 'zun_policy.yaml'
