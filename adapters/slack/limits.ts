/* Slack Block Kit and message limits the Slack renderer keeps every posted message within. */

/** Blocks per message: at most 50 (100 only in modals and Home tabs). Block Kit reference, "Blocks". */
export const MAX_BLOCKS_PER_MESSAGE = 50;

/** A section's `text`: at most 3000 characters. Block Kit reference, "Section block". */
export const MAX_SECTION_TEXT = 3000;

/** A section's `fields`: at most 10 text objects. Block Kit reference, "Section block". */
export const MAX_SECTION_FIELDS = 10;

/** Each section field's text: at most 2000 characters. Block Kit reference, "Section block". */
export const MAX_FIELD_TEXT = 2000;

/** A header's `text` (plain_text only): at most 150 characters. Block Kit reference, "Header block". */
export const MAX_HEADER_TEXT = 150;

/** A context block's `elements`: at most 10. Block Kit reference, "Context block". */
export const MAX_CONTEXT_ELEMENTS = 10;

/**
 * Text of one mrkdwn element in a context block. Slack caps any text object at 3000 characters; we use the
 * section limit so a context line and a section split the same way.
 */
export const MAX_CONTEXT_TEXT = MAX_SECTION_TEXT;

/** An actions block's `elements`: at most 25. Block Kit reference, "Actions block". */
export const MAX_ACTIONS_ELEMENTS = 25;

/** A button's `text` (plain_text): at most 75 characters. Block Kit reference, "Button element". */
export const MAX_BUTTON_TEXT = 75;

/** A button's `url`: at most 3000 characters. Block Kit reference, "Button element". */
export const MAX_BUTTON_URL = 3000;

/** An image block's `image_url`: at most 3000 characters. Block Kit reference, "Image block". */
export const MAX_IMAGE_URL = 3000;

/** An image block's `alt_text`: at most 2000 characters. Block Kit reference, "Image block". */
export const MAX_IMAGE_ALT_TEXT = 2000;

/** An element's `action_id`: at most 255 characters (2000 is the button `value` limit, not this one). */
export const MAX_ACTION_ID = 255;


/**
 * The top-level `text` (notifications, and what shows when there are no blocks). Slack truncates it above
 * 40,000 characters ({@link SLACK_TEXT_TRUNCATION}); we keep it under 4000 as Slack recommends.
 */
export const MAX_TOP_LEVEL_TEXT = 4000;

/** Where Slack truncates the top-level `text` of a message (chat.postMessage reference). */
export const SLACK_TEXT_TRUNCATION = 40_000;

/**
 * The practical ceiling of block content per message, measured as the serialized JSON of the blocks.
 * slackapi/bolt-js issue #2509 reports `msg_blocks_too_long` at about 13.2k characters of block content,
 * below every documented limit, so about 12,000 characters is the most we put in one message.
 */
export const MAX_BLOCK_CHARS_PER_MESSAGE = 12_000;
