/**
 * The `embed` parameter (docs/query.md, "Embedding related records"):
 *
 *   embed = item *( "," item )
 *   item  = relation [ "(" field *( "," field ) ")" ] [ "." item ]
 *
 * `embed=orders(id,amount).customer,tags`: each item names a relation of the resource before it,
 * optionally the fields to return of it, and optionally one relation of that resource to embed in
 * turn, at most MAX_EMBED_DEPTH levels deep. Items naming the same relation merge into one branch.
 * Every name is checked against the model, so nothing from the URL reaches a query but values.
 */

import type { Problem } from '../../errors/api-error.js';
import type { Model, ResourceDef } from '../../model/model-types.js';
import { MAX_RELATION_DEPTH } from '../../model/query-parameters.js';
import type { RelationStep } from '../../store/relation-query.js';
import { bad } from './filter-parser.js';

export const MAX_EMBED_DEPTH = MAX_RELATION_DEPTH;

/** One embedded relation: the records it adds, with `fields` (all when absent) and their own embeds. */
export interface EmbedNode {
  relation: string;
  fields?: string[];
  embed: EmbedNode[];
}

class EmbedSyntaxError extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

export const relationNames = (r: ResourceDef): string[] => [
  ...r.toOne.map((t) => t.name),
  ...r.toMany.map((t) => t.name),
];

/** The relation `name` of `r` as a step to its target (also what filters through relations follow). */
export function relationStep(model: Model, r: ResourceDef, name: string): RelationStep | undefined {
  const one = r.toOne.find((t) => t.name === name);
  if (one) return { kind: 'one', target: model.byName.get(one.resource)!, field: one.field };
  const many = r.toMany.find((t) => t.name === name);
  return many && { kind: 'many', target: model.byName.get(many.resource)!, field: many.field };
}

class Reader {
  at = 0;
  constructor(
    readonly text: string,
    readonly model: Model,
  ) {}

  name(what: string): string {
    NAME.lastIndex = this.at;
    const m = NAME.exec(this.text);
    if (!m) throw new EmbedSyntaxError(`expected a ${what} at character ${this.at + 1}`);
    this.at += m[0].length;
    return m[0];
  }

  eat(ch: string): boolean {
    if (this.text[this.at] !== ch) return false;
    this.at++;
    return true;
  }

  item(r: ResourceDef, depth: number): EmbedNode {
    const relation = this.name('relation name');
    const target = relationStep(this.model, r, relation)?.target;
    if (!target)
      throw new EmbedSyntaxError(
        `${r.name} has no relation "${relation}" (relations: ${relationNames(r).join(', ') || 'none'})`,
      );
    if (depth > MAX_EMBED_DEPTH)
      throw new EmbedSyntaxError(`embeds go at most ${MAX_EMBED_DEPTH} levels deep`);
    const node: EmbedNode = { relation, embed: [] };
    if (this.eat('(')) {
      const fields: string[] = [];
      do {
        const f = this.name('field name');
        if (!target.allFields.has(f)) throw new EmbedSyntaxError(`${target.name} has no field "${f}"`);
        if (!fields.includes(f)) fields.push(f);
      } while (this.eat(','));
      if (!this.eat(')')) throw new EmbedSyntaxError(`expected "," or ")" at character ${this.at + 1}`);
      node.fields = fields;
    }
    if (this.eat('.')) node.embed.push(this.item(target, depth + 1));
    return node;
  }
}

/** Adds `node` to `into`, merging it with an item for the same relation. */
function merge(into: EmbedNode[], node: EmbedNode): void {
  const same = into.find((n) => n.relation === node.relation);
  if (!same) {
    into.push(node);
    return;
  }
  if (node.fields) {
    if (same.fields && same.fields.join(',') !== node.fields.join(','))
      throw new EmbedSyntaxError(`the fields of "${node.relation}" are given twice, differently`);
    same.fields = node.fields;
  }
  for (const child of node.embed) merge(same.embed, child);
}

function parseItems(model: Model, r: ResourceDef, text: string): EmbedNode[] {
  const reader = new Reader(text, model);
  const out: EmbedNode[] = [];
  do merge(out, reader.item(r, 1));
  while (reader.eat(','));
  if (reader.at < text.length)
    throw new EmbedSyntaxError(`unexpected "${text[reader.at]}" at character ${reader.at + 1}`);
  return out;
}

/** The embed tree of `raw` for resource `r`; a problem naming `embed` when it is not valid. */
export function parseEmbed(model: Model, r: ResourceDef, raw: string, problems: Problem[]): EmbedNode[] {
  try {
    return parseItems(model, r, raw);
  } catch (e) {
    if (!(e instanceof EmbedSyntaxError)) throw e;
    problems.push(bad('embed', e.message));
    return [];
  }
}
