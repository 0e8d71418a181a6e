"""Cover stage: the print cover wrap (back, spine, front on one sheet) and the ebook's cover.

Read as a table of contents:

    1. geometry   the sheet from the trim, the bleed and the spine (the interior's page count
                  times the printer's paper caliper), the folds, the safe zones, the barcode box
    2. barcode    the ISBN as an EAN-13 symbol (the bars from python-barcode, drawn in 100 % K),
                  its digits, and "ISBN 978-..." above it (isbnlib's hyphenation)
    3. design     one design, as HTML and CSS: the front (the book's cover image, or its title,
                  subtitle and author set in the book's faces), the spine, the back (the blurb
                  and the barcode); the print wrap and the ebook's cover are rendered from it
    4. write      the wrap laid out by WeasyPrint as PDF/X-4, with the interior's output intent
    5. read back  the written wrap against its geometry: its boxes, fonts, text clear of the
                  trim and folds, the barcode decoded back to the ISBN (`readback`)
"""
