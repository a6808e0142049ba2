"""Use cases shared by the command line and the web app. Faces call these; they hold no logic."""
