"""ktgs.ingest"""
