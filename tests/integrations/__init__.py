"""Tests of the engine integrations (feelish/integrations)."""
