"""ktgs.assistant"""
