// An independent check of Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit), written
// from the documentation rather than from the renderer's own constants, so that a renderer mistake shows.
// Returns every problem found (an empty list when the message is valid).

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(problems: string[], where: string, t: unknown, max: number, kinds: readonly string[] = ['plain_text', 'mrkdwn']): void {
  if (!isObj(t)) return void problems.push(`${where}: missing text object`);
  if (!kinds.includes(String(t.type))) problems.push(`${where}: text type ${String(t.type)} not allowed`);
  if (typeof t.text !== 'string' || t.text.length === 0) problems.push(`${where}: empty text`);
  else if (t.text.length > max) problems.push(`${where}: ${t.text.length} characters > ${max}`);
}

function button(problems: string[], where: string, b: Json, actionIds: Set<string>): void {
  text(problems, `${where}.text`, b.text, 75, ['plain_text']);
  if (typeof b.action_id !== 'string' || b.action_id.length > 255) problems.push(`${where}: bad action_id`);
  else if (actionIds.has(b.action_id)) problems.push(`${where}: duplicate action_id ${b.action_id}`);
  else actionIds.add(b.action_id);
  if (b.value !== undefined && (typeof b.value !== 'string' || b.value.length > 2000)) problems.push(`${where}: value > 2000`);
  if (b.style !== undefined && b.style !== 'primary' && b.style !== 'danger') problems.push(`${where}: bad style`);
  if (b.confirm !== undefined) {
    const c = b.confirm as Json;
    text(problems, `${where}.confirm.title`, c.title, 100, ['plain_text']);
    text(problems, `${where}.confirm.text`, c.text, 300);
    text(problems, `${where}.confirm.confirm`, c.confirm, 30, ['plain_text']);
    text(problems, `${where}.confirm.deny`, c.deny, 30, ['plain_text']);
  }
}

export function blockKitProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('message: no fallback text');
  if (!Array.isArray(message.blocks)) return [...problems, 'message: no blocks'];
  if (message.blocks.length > 50) problems.push(`message: ${message.blocks.length} blocks > 50`);
  const actionIds = new Set<string>();
  message.blocks.forEach((block: unknown, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(block)) return void problems.push(`${where}: not an object`);
    switch (block.type) {
      case 'header':
        text(problems, where, block.text, 150, ['plain_text']);
        break;
      case 'section': {
        if (block.text === undefined && block.fields === undefined) problems.push(`${where}: section without text or fields`);
        if (block.text !== undefined) text(problems, `${where}.text`, block.text, 3000);
        if (block.fields !== undefined) {
          const fields = block.fields as unknown[];
          if (fields.length > 10) problems.push(`${where}: ${fields.length} fields > 10`);
          fields.forEach((f, j) => text(problems, `${where}.fields[${j}]`, f, 2000));
        }
        if (isObj(block.accessory) && block.accessory.type === 'button') button(problems, `${where}.accessory`, block.accessory, actionIds);
        break;
      }
      case 'context': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) problems.push(`${where}: context needs 1–10 elements`);
        else elements.forEach((e, j) => text(problems, `${where}.elements[${j}]`, e, 3000));
        break;
      }
      case 'actions': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) problems.push(`${where}: actions needs 1–25 elements`);
        else elements.forEach((e, j) => (isObj(e) && e.type === 'button' ? button(problems, `${where}.elements[${j}]`, e, actionIds) : problems.push(`${where}.elements[${j}]: not a button`)));
        break;
      }
      case 'divider':
        break;
      case 'input': {
        // An input block (in a message: its value comes back in block_actions' state.values).
        text(problems, `${where}.label`, block.label, 2000, ['plain_text']);
        const el = block.element as Json | undefined;
        if (!isObj(el) || el.type !== 'plain_text_input') problems.push(`${where}: input without a plain_text_input element`);
        else {
          if (typeof el.action_id !== 'string' || el.action_id.length > 255) problems.push(`${where}.element: bad action_id`);
          if (el.max_length !== undefined && (typeof el.max_length !== 'number' || el.max_length > 3000)) problems.push(`${where}.element: max_length > 3000`);
        }
        break;
      }
      case 'rich_text': {
        const serialised = JSON.stringify(block);
        if (serialised.length > 4000) problems.push(`${where}: rich_text too long`);
        break;
      }
      default:
        problems.push(`${where}: unexpected block type ${String(block.type)}`);
    }
    if (block.block_id !== undefined && (typeof block.block_id !== 'string' || block.block_id.length > 255)) problems.push(`${where}: bad block_id`);
  });
  return problems;
}
