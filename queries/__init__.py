"""The named SPARQL questions of dkg, shipped as package data."""
