"""ktgs.evals"""
