# Writes file IN as a C++ raw string literal to OUT.
file(READ ${IN} content)
file(WRITE ${OUT} "R\"sy_embed(${content})sy_embed\"")
