def test_outside_testpaths():
    raise AssertionError('pytest does not collect this: testpaths is checks')
