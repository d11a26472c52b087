"""FRL001: this file does not parse, on purpose (nothing imports it).

The checker reports the error where CPython would, then goes on with the other files.
"""


def restock(item_id: int, quantity: int) -> None:
    if quantity > 0
        print(item_id, quantity)
