"""ktgs.index"""
