"""Tests of the expression language: parser, syntax errors, parse properties."""
