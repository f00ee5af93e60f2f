"""The charts' colours: Okabe & Ito's palette, which stays distinguishable with the common forms of
colour blindness."""

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
DARK = "#333333"
PALETTE = (BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE, "#F0E442", DARK)
