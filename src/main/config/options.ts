/** Command-line options shared by `npm start` and the `cardtill` CLI. */
export interface StartOptions {
  dataDir?: string;
  config?: string;
  port: number;
  open: boolean;
  help: boolean;
  rest: string[];
}

export const START_HELP = `CardTill — 储值卡收银终端 / stored-value card cashier terminal

Usage: npm start -- [options]

  --data-dir DIR   where the terminal keeps its database, keys and logs
                   (default: a fresh directory per demo launch; with --config: ./cardtill-data)
  --config FILE    JSON configuration (issuer URL and key, devices, limits); none = demo mode
  --port N         web host port on 127.0.0.1 (0 = any free port; default 0)
  --no-open        serve without opening a browser window
  --help           this text
`;

export function parseStartOptions(argv: string[]): StartOptions {
  const o: StartOptions = { port: 0, open: true, help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--data-dir') o.dataDir = val();
    else if (a.startsWith('--data-dir=')) o.dataDir = a.slice(11);
    else if (a === '--config') o.config = val();
    else if (a.startsWith('--config=')) o.config = a.slice(9);
    else if (a === '--port') o.port = Number(val());
    else if (a.startsWith('--port=')) o.port = Number(a.slice(7));
    else if (a === '--no-open') o.open = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else o.rest.push(a);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error('--port must be 0..65535');
  return o;
}
