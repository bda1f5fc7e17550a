/**
 * Two places where happy-dom parts from the DOM standard and DOMPurify relies on the standard,
 * put right so the renderer tests exercise the real DOMPurify (import this before anything
 * sanitizes; browsers need none of it):
 * - Node.prototype's nodeName getter answers '' for every node (happy-dom defines the real one on
 *   each subclass), and DOMPurify reads names through Node.prototype's getter (so a form's
 *   children cannot clobber it): every node looks unknown and is removed.
 * - its NodeIterator loses its place when the node it stands on is removed (the "NodeIterator
 *   pre-removing steps" are not implemented), and DOMPurify removes the node it stands on all the
 *   time: it would stop after the first removal and let the rest through unsanitized.
 */

const SHOW: Record<number, number> = { 1: 0x1, 3: 0x4, 4: 0x8, 7: 0x40, 8: 0x80 };

/** The node after `node` in tree order, inside `root`. */
function following(node: Node, root: Node): Node | null {
  if (node.firstChild) return node.firstChild;
  for (let at: Node | null = node; at && at !== root; at = at.parentNode) {
    if (at.nextSibling) return at.nextSibling;
  }
  return null;
}

function lastInclusiveDescendant(node: Node): Node {
  let at = node;
  while (at.lastChild) at = at.lastChild;
  return at;
}

class SpecNodeIterator {
  private reference: Node | null = null;
  /** Where to go on from when the reference was removed: the node before it in tree order. */
  private before: Node | null = null;

  constructor(
    readonly root: Node,
    readonly whatToShow: number,
    readonly filter: NodeFilter | null,
  ) {}

  nextNode(): Node | null {
    let candidate: Node | null;
    if (this.reference === null) candidate = this.root;
    else if (this.reference === this.root || this.root.contains(this.reference)) candidate = following(this.reference, this.root);
    else candidate = this.before && (this.before === this.root || this.root.contains(this.before)) ? following(this.before, this.root) : null;
    while (candidate && !this.accepts(candidate)) candidate = following(candidate, this.root);
    if (candidate) {
      this.reference = candidate;
      this.before = candidate.previousSibling ? lastInclusiveDescendant(candidate.previousSibling) : candidate.parentNode;
    }
    return candidate;
  }

  private accepts(node: Node): boolean {
    if (!((SHOW[node.nodeType] ?? 0) & this.whatToShow)) return false;
    if (!this.filter) return true;
    const verdict = typeof this.filter === 'function' ? this.filter(node) : this.filter.acceptNode(node);
    return verdict === 1;
  }

  detach(): void {}
}

export function installSpecNodeIterator(): void {
  // The prototype that really holds it (the test window's Document global is another class).
  let owner: object | null = document;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'createNodeIterator')) owner = Object.getPrototypeOf(owner) as object | null;
  Object.defineProperty(owner ?? Document.prototype, 'createNodeIterator', {
    configurable: true,
    writable: true,
    value: function createNodeIterator(root: Node, whatToShow = 0xffffffff, filter: NodeFilter | null = null) {
      return new SpecNodeIterator(root, whatToShow, filter) as unknown as NodeIterator;
    },
  });
}

/** Node.prototype.nodeName answering what the node's own class says, as in browsers. */
export function installNodeNameDispatch(): void {
  let owner: object | null = Node.prototype;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'nodeName')) owner = Object.getPrototypeOf(owner) as object | null;
  if (!owner) return;
  const base = Object.getOwnPropertyDescriptor(owner, 'nodeName')!;
  const root = owner;
  Object.defineProperty(root, 'nodeName', {
    configurable: true,
    get(this: Node) {
      for (let proto = Object.getPrototypeOf(this) as object | null; proto && proto !== root; proto = Object.getPrototypeOf(proto) as object | null) {
        const own = Object.getOwnPropertyDescriptor(proto, 'nodeName');
        if (own?.get) return own.get.call(this) as string;
      }
      return base.get!.call(this) as string;
    },
  });
}

installNodeNameDispatch();
installSpecNodeIterator();
