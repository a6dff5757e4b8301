"""Developer tools that are not part of the application (`make mutate`)."""
