import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MalformedResponseError } from './errors.ts';

/** Tags that may repeat, so they are always arrays, even with one occurrence. */
const ALWAYS_ARRAY = new Set(['entry', 'item', 'author', 'category', 'link', 'arxiv:affiliation']);

/**
 * The one parser setup for arXiv Atom and RSS (data-sources §6.1): attributes kept as `@_name`, namespace
 * prefixes kept (`arxiv:doi` ≠ `arxiv:DOI`), no number coercion (`1412.6980` stays a string), XML entities
 * decoded once, whitespace left for the normalizers.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  trimValues: false,
  isArray: (tagName) => ALWAYS_ARRAY.has(tagName),
});

/** An element as the parser gives it: children by tag name, attributes as `@_name`, text as `#text`. */
export type XmlElement = Readonly<Record<string, unknown>>;

/** Parses an XML document; throws {@link MalformedResponseError} if it is empty or not well-formed. */
export function parseXml(xml: string): XmlElement {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new MalformedResponseError(`not well-formed XML: ${validation.err.msg} (line ${validation.err.line})`);
  }
  return parser.parse(xml) as XmlElement;
}

/** Whether a parsed node is an element with children or attributes (not a bare text node). */
export function isElement(node: unknown): node is XmlElement {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The children of `parent` named `name`, as an array whether there are none, one or many. */
export function children(parent: unknown, name: string): unknown[] {
  if (!isElement(parent)) return [];
  const value = parent[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first child of `parent` named `name`. */
export function child(parent: unknown, name: string): unknown {
  return children(parent, name)[0];
}

/** The text of a node, whether it is a bare text node or an element with attributes; raw, untrimmed. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  const text = isElement(node) ? node['#text'] : undefined;
  return typeof text === 'string' ? text : undefined;
}

/** The text of the first child named `name`. */
export function childText(parent: unknown, name: string): string | undefined {
  return textOf(child(parent, name));
}

/** The value of attribute `name` of a node. */
export function attribute(node: unknown, name: string): string | undefined {
  const value = isElement(node) ? node[`@_${name}`] : undefined;
  return typeof value === 'string' ? value : undefined;
}
