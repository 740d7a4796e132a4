from django import template

register = template.Library()


@register.filter
def humanise(key: str) -> str:
    """A data key as a heading a person reads: "what_matters_to_me" -> "What matters to me"."""
    return str(key).replace("_", " ").capitalize()
