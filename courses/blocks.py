"""StreamField blocks for lessons. Every block renders accessible HTML."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
]


class ImageBlock(blocks.StructBlock):
    """An image that says what it shows, or says that it is only decoration."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    decorative = blocks.BooleanBlock(
        label=_("Decorative only (no alternative text needed)"), required=False
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ErrorList(
                        [
                            ValidationError(
                                _(
                                    "Describe the image, or mark it as decorative "
                                    "if it adds no information."
                                )
                            )
                        ]
                    )
                }
            )
        return value

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), max_width=960)
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=["bold", "italic", "ol", "ul"],
        help_text=_(
            "Required: everything said and shown, for people who cannot watch."
        ),
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("tip", _("Tip")),
            ("warning", _("Warning")),
            ("reflection", _("Reflection")),
        ],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"


class ReflectionPromptBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Prompt"))

    class Meta:
        icon = "help"
        template = "courses/blocks/reflection_prompt.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"


class KeyPointsBlock(blocks.StructBlock):
    items = blocks.ListBlock(blocks.CharBlock(label=_("Point")), label=_("Key points"))

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/key_points.html"


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("Term"), max_length=120)
    explanation = blocks.TextBlock(label=_("Explanation"))

    class Meta:
        icon = "openquote"
        template = "courses/blocks/glossary_term.html"


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        template="courses/blocks/rich_text.html",
    )
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    reflection_prompt = ReflectionPromptBlock()
    document = DocumentBlock()
    key_points = KeyPointsBlock()
    glossary_term = GlossaryTermBlock()
