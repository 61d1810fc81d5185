/** Compact S-expression rendering of the expression AST, for readable table tests. */
import type * as A from '../../src/expr/ast.ts';

export function showType(t: A.TypeRef): string {
  let s = t.name;
  if (t.typeArgs.length > 0) s += `<${t.typeArgs.map(showType).join(',')}>`;
  if (t.nullable) s += '?';
  for (const r of t.arrayRanks) s += `[${','.repeat(r - 1)}]`;
  return s;
}

function showArgs(args: readonly A.Argument[]): string {
  return args
    .map((a) => {
      const name = a.name ? `${a.name}: ` : '';
      if (a.declares) return `${name}${a.modifier} ${a.declares.type === 'var' ? 'var' : showType(a.declares.type)} ${a.declares.name}`;
      return `${name}${a.modifier ? `${a.modifier} ` : ''}${show(a.value)}`;
    })
    .join(', ');
}

export function show(e: A.Expr | A.Block | A.Stmt): string {
  switch (e.kind) {
    case 'literal':
      return e.type === 'string' ? JSON.stringify(e.value) : e.type === 'char' ? `'${String(e.value)}'` : e.type === 'null' ? 'null' : `${String(e.value)}:${e.type}`;
    case 'interpolated':
      return `$[${e.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p) : `{${show(p.expr)}${p.align ? `,${show(p.align)}` : ''}${p.format !== undefined ? `:${p.format}` : ''}}`)).join(' ')}]`;
    case 'name':
      return e.typeArgs ? `${e.name}<${e.typeArgs.map(showType).join(',')}>` : e.name;
    case 'member':
      return `${show(e.target)}${e.conditional ? '?.' : '.'}${e.name}${e.typeArgs ? `<${e.typeArgs.map(showType).join(',')}>` : ''}`;
    case 'invoke':
      return `${show(e.target)}(${showArgs(e.args)})`;
    case 'index':
      return `${show(e.target)}${e.conditional ? '?' : ''}[${showArgs(e.args)}]`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'binary':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'conditional':
      return `(? ${show(e.test)} ${show(e.then)} ${show(e.otherwise)})`;
    case 'assign':
      return `(${e.op} ${show(e.target)} ${show(e.value)})`;
    case 'cast':
      return `(cast ${showType(e.type)} ${show(e.operand)})`;
    case 'is':
      return `(is ${show(e.operand)} ${e.type ? showType(e.type) : show(e.constant!)}${e.designation ? ` ${e.designation.name}` : ''})`;
    case 'as':
      return `(as ${show(e.operand)} ${showType(e.type)})`;
    case 'typeof':
      return `(typeof ${showType(e.type)})`;
    case 'default':
      return `(default ${showType(e.type)})`;
    case 'checked':
      return `(${e.checked ? 'checked' : 'unchecked'} ${show(e.operand)})`;
    case 'new': {
      const init = e.initializer
        ? ` {${e.initializer.entries.map((x) => (x.kind === 'property' ? `${x.name}=${x.value.kind === 'initializer' ? '{…}' : show(x.value)}` : x.kind === 'indexer' ? `[${showArgs(x.args)}]=${show(x.value)}` : `{${x.args.map(show).join(', ')}}`)).join(', ')}}`
        : '';
      return `(new ${showType(e.type)}(${showArgs(e.args)})${init})`;
    }
    case 'newArray':
      return `(new ${e.elementType ? showType(e.elementType) : ''}[${e.size ? show(e.size) : ''}]${e.elements ? ` {${e.elements.map(show).join(', ')}}` : ''})`;
    case 'newAnonymous':
      return `(new {${e.members.map((m) => `${m.name}=${show(m.value)}`).join(', ')}})`;
    case 'arrayInit':
      return `{${e.elements.map(show).join(', ')}}`;
    case 'lambda':
      return `(lambda (${e.params.map((p) => (p.type ? `${showType(p.type)} ${p.name}` : p.name)).join(' ')}) ${show(e.body)})`;
    case 'block':
      return `{${e.body.map(show).join(' ')}}`;
    case 'local':
      return `(local ${e.type === 'var' ? 'var' : showType(e.type)} ${e.declarators.map((d) => (d.init ? `${d.name}=${show(d.init)}` : d.name)).join(' ')})`;
    case 'expr':
      return `${show(e.expr)};`;
    case 'if':
      return `(if ${show(e.test)} ${show(e.then)}${e.otherwise ? ` else ${show(e.otherwise)}` : ''})`;
    case 'while':
      return `(while ${show(e.test)} ${show(e.body)})`;
    case 'do':
      return `(do ${show(e.body)} ${show(e.test)})`;
    case 'for':
      return `(for ${e.init === undefined ? '' : Array.isArray(e.init) ? (e.init as A.Expr[]).map(show).join(',') : show(e.init as A.LocalDeclaration)}; ${e.test ? show(e.test) : ''}; ${e.update.map(show).join(',')} ${show(e.body)})`;
    case 'foreach':
      return `(foreach ${e.type === 'var' ? 'var' : showType(e.type)} ${e.name} ${show(e.collection)} ${show(e.body)})`;
    case 'switch':
      return `(switch ${show(e.subject)} ${e.sections.map((s) => `[${s.labels.map((l) => (l ? show(l) : 'default')).join(' ')}: ${s.body.map(show).join(' ')}]`).join(' ')})`;
    case 'return':
      return e.value ? `(return ${show(e.value)})` : '(return)';
    case 'break':
    case 'continue':
      return `(${e.kind})`;
    case 'throw':
      return e.value ? `(throw ${show(e.value)})` : '(throw)';
    case 'try':
      return `(try ${show(e.body)}${e.catches.map((c) => ` catch(${c.type ? showType(c.type) : ''}${c.name ? ` ${c.name}` : ''}) ${show(c.body)}`).join('')}${e.finally ? ` finally ${show(e.finally)}` : ''})`;
    case 'using':
      return `(using ${show(e.resource)} ${show(e.body)})`;
    case 'checkedBlock':
      return `(${e.checked ? 'checked' : 'unchecked'} ${show(e.body)})`;
    case 'function':
      return `(function ${showType(e.returnType)} ${e.name}(${e.params.map((p) => `${p.type ? showType(p.type) : ''} ${p.name}`).join(', ')}) ${show(e.body)})`;
    case 'empty':
      return ';';
  }
}
