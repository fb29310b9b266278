"""RQ jobs. Workers never import the web app; they reach browsers through the outbox."""
