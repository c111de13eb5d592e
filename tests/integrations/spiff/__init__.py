"""SpiffWorkflow runs real BPMN and DMN files with feelish (feelish/integrations/spiff)."""
