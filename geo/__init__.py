"""Geography as data: the gazetteer of the 16 programme districts (codes, names, known spellings)
and the boundary files. The bottom layer: imports nothing else of the project but ``data_pipeline.files`` (atomic writes), of the
same layer.
"""
