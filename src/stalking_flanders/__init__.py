"""Figures on stalking in Flanders from the Flemish Parliament's written question nr. 186 (2021).

The data package is built by the pipeline in the repository (``dvc repro``); the modules here
extract, check and publish it. Importing this package imports nothing heavy.
"""
