"""Connector templates in text: grammar, parser, model, checker, built-in library and runner
(`load`, `check`, `run_template`); docs/templates.md describes the format."""
from __future__ import annotations

from .advice import check_warnings, undeclared
from .binding import bind_inputs, check_inputs, to_mapping, unknown_variables
from .checker import check, free_names
from .library import builtin_dir, builtin_names, builtin_path, load, loads, parse_file, resolve
from .model import FieldDecl, InputDecl, InputType, Template, TemplateExpr
from .parser import parse_template
from .runner import connector_for, dry_run_template, output_redactor, run_template

__all__ = [
    "FieldDecl", "InputDecl", "InputType", "Template", "TemplateExpr",
    "bind_inputs", "builtin_dir", "builtin_names", "builtin_path", "check", "check_inputs",
    "check_warnings", "undeclared",
    "connector_for", "dry_run_template", "free_names", "load", "loads", "output_redactor",
    "parse_file", "parse_template", "resolve", "run_template", "to_mapping", "unknown_variables",
]
