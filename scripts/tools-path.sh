# Sourced by setup.sh, start.sh and test.sh: use the Node that setup.sh bootstrapped into .tools/,
# if it did (see setup.sh), and build native modules against its own headers.
if [ -x .tools/bin/node ]; then
  case ":$PATH:" in *":$PWD/.tools/bin:"*) ;; *) export PATH="$PWD/.tools/bin:$PATH" ;; esac
  export npm_config_nodedir="$PWD/.tools/node"
fi
