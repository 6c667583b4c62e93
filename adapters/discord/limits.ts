/* Discord message limits the Discord renderer keeps every posted message within. */

/** An embed's `title`: at most 256 characters. API reference, Message resource, "Embed Limits". */
export const MAX_EMBED_TITLE = 256;

/** An embed's `description`: at most 4096 characters. "Embed Limits". */
export const MAX_EMBED_DESCRIPTION = 4096;

/** An embed's `fields`: at most 25. "Embed Limits". */
export const MAX_EMBED_FIELDS = 25;

/** A field's `name`: 1 to 256 characters (a field needs a non-empty name). "Embed Limits". */
export const MAX_FIELD_NAME = 256;

/** A field's `value`: 1 to 1024 characters (a field needs a non-empty value). "Embed Limits". */
export const MAX_FIELD_VALUE = 1024;

/** An embed footer's `text`: at most 2048 characters (plain text: no markdown, no links). "Embed Limits". */
export const MAX_FOOTER_TEXT = 2048;

/** Embeds per message: at most 10. Create Message reference, `embeds`. */
export const MAX_EMBEDS_PER_MESSAGE = 10;

/**
 * Characters summed over all embeds of one message: title, description, field names and values, footer text and
 * author name together at most 6000. Enforced by the server only (400, code 50035), so a renderer must count.
 */
export const MAX_EMBED_CHARS_PER_MESSAGE = 6000;

/** Action rows per (non Components V2) message: at most 5. Components reference, "Action Row". */
export const MAX_ACTION_ROWS = 5;

/** Buttons per action row: at most 5. Components reference, "Action Row". */
export const MAX_BUTTONS_PER_ROW = 5;

/** A button's `label`: at most 80 characters. Components reference, "Button". */
export const MAX_BUTTON_LABEL = 80;

/** A component's `custom_id`: 1 to 100 characters, unique within the message. Components reference, "Button". */
export const MAX_CUSTOM_ID = 100;

/** A link button's `url`: at most 512 characters. Components reference, "Button". */
export const MAX_BUTTON_URL = 512;

/** A message's `content`: at most 2000 characters. Create Message reference, `content`. */
export const MAX_CONTENT = 2000;

/**
 * Any other URL the renderer emits (embed `url`, `image.url`, masked links in text): at most 2048 characters, a cap
 * of ours well within what Discord and browsers accept. Only absolute http(s) URLs are used at all.
 */
export const MAX_URL = 2048;
