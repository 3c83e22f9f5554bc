"""Gates over the results model, and the .errors/ log of the problems they find."""
