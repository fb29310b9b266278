"""Everything drawn for people to look at: colours, fonts, QR codes and the images made from a
card's design (pass images, poster and insert sheets go through these modules).

Below the domain in the layer order: it imports only `hub.config`, never domain, UI or
models, so `hub/domain/inserts.py` can draw its sheets with it and every surface draws alike.
"""
