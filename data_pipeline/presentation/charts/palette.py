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


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_on(fill: str) -> str:
    """White or ``DARK``, whichever contrasts more with ``fill``: the colour of a label written on a bar."""
    on_white = 1.05 / (_luminance(fill) + 0.05)
    on_dark = (_luminance(fill) + 0.05) / (_luminance(DARK) + 0.05)
    return "#ffffff" if on_white >= on_dark else DARK
