project = 'calc'
