# Start a throw-away PostgreSQL cluster on loopback and export OLIGOGUIDE_TEST_PG_URL.
start_postgres() {
  local version port dir bin
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  bin=/usr/lib/postgresql/$version/bin
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d /tmp/oligoguide-pg.XXXXXX)
  chown postgres "$dir"
  su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres" >/dev/null
  su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log start -w" >/dev/null
  su postgres -c "$bin/createdb -h 127.0.0.1 -p $port oligoguide_test"
  export OLIGOGUIDE_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/oligoguide_test"
  PG_STOP="su postgres -c '$bin/pg_ctl -D $dir/data stop -m fast' >/dev/null 2>&1; rm -rf $dir"
  trap 'eval "$PG_STOP"' EXIT
}
