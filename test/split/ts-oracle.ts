import ts from "typescript";

/** What the scanner reports, read off the TypeScript compiler's own syntax tree. */
export interface OracleImport {
  line: number;
  specifier: string;
  kind: string;
  typeOnly: boolean;
  names: string[];
}

export function tsAstImports(text: string, fileName: string): OracleImport[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? (fileName.endsWith("x") ? ts.ScriptKind.JSX : ts.ScriptKind.JS) : fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const out: OracleImport[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const nameOf = (n: ts.ModuleExportName) => n.text;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      if (!c) out.push({ line: lineOf(node), specifier: node.moduleSpecifier.text, kind: "side-effect", typeOnly: false, names: [] });
      else {
        const names: string[] = [];
        let defaultOrNs = false;
        let allType = true;
        let anyNamed = false;
        if (c.name) {
          names.push("default");
          defaultOrNs = true;
        }
        const nb = c.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) {
          names.push("*");
          defaultOrNs = true;
        } else if (nb) {
          for (const el of nb.elements) {
            names.push(nameOf(el.propertyName ?? el.name));
            anyNamed = true;
            if (!el.isTypeOnly) allType = false;
          }
        }
        out.push({ line: lineOf(node), specifier: node.moduleSpecifier.text, kind: "import", typeOnly: c.isTypeOnly || (!defaultOrNs && anyNamed && allType), names });
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const ec = node.exportClause;
      let names = ["*"];
      let allType = false;
      if (ec && ts.isNamedExports(ec)) {
        names = ec.elements.map((el) => nameOf(el.propertyName ?? el.name));
        allType = ec.elements.length > 0 && ec.elements.every((el) => el.isTypeOnly);
      }
      out.push({ line: lineOf(node), specifier: node.moduleSpecifier.text, kind: "export", typeOnly: node.isTypeOnly || allType, names });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ line: lineOf(node), specifier: node.moduleReference.expression.text, kind: "import-equals", typeOnly: node.isTypeOnly, names: ["*"] });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const arg = node.arguments[0] as ts.StringLiteralLike;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        out.push({ line: lineOf(node), specifier: arg.text, kind: "dynamic", typeOnly: false, names: [] });
      } else if (ts.isIdentifier(node.expression) && node.expression.text === "require" && node.arguments.length === 1) {
        out.push({ line: lineOf(node), specifier: arg.text, kind: "require", typeOnly: false, names: ["*"] });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ line: lineOf(node), specifier: node.argument.literal.text, kind: "dynamic", typeOnly: true, names: [] });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.sort((x, y) => x.line - y.line || x.specifier.localeCompare(y.specifier) || x.kind.localeCompare(y.kind));
}

/** The compiler's own pre-processing pass (what `tsc` uses to find files): specifiers only. */
export function tsPreProcessSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).sort();
}
