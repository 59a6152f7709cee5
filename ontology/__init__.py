"""The ontology and SHACL shapes of dkg, shipped as package data."""
