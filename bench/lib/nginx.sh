# shellcheck shell=bash
# nginx configurations of the benchmark (sourced by bench/run). Each function writes
# one nginx.conf into a folder; every path and port is explicit, loopback only.

# The common head: workers, pid, logs and temporary paths inside the folder.
# Args: DIR WORKERS
nginx_head() {
  local dir=$1 workers=$2
  mkdir -p "$dir/tmp"
  cat <<CONF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; multi_accept on; }
CONF
}

# Settings shared by every http block: no access log, long keep-alive from clients,
# temporary files in the folder.
nginx_http_common() {
  local dir=$1
  cat <<CONF
  access_log off;
  default_type text/plain;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
CONF
}

# The upstream: two servers answering ~100 bytes at once, `x-side: current` and
# `x-side: target`, so a response tells which side of a split served it.
# Args: DIR WORKERS CURRENT_PORT TARGET_PORT
nginx_upstream_conf() {
  local dir=$1 workers=$2 current=$3 target=$4 side port
  {
    nginx_head "$dir" "$workers"
    echo "http {"
    nginx_http_common "$dir"
    for side in current target; do
      port=$current
      [[ $side == target ]] && port=$target
      cat <<CONF
  server {
    listen 127.0.0.1:$port reuseport backlog=4096;
    location / {
      add_header x-side $side always;
      return 200 '{"side":"$side","message":"a small answer from the benchmark upstream, about 100 bytes"}\n';
    }
  }
CONF
    done
    echo "}"
  } >"$dir/nginx.conf"
}

# One upstream block with keep-alive connections (64 idle per worker, as many
# requests per connection as the benchmark sends).
# Args: NAME SERVER-LINE...
nginx_upstream_block() {
  local name=$1 server
  shift
  echo "  upstream $name {"
  for server in "$@"; do
    echo "    server $server;"
  done
  echo "    keepalive 64;"
  echo "    keepalive_requests 1000000;"
  echo "  }"
}

# A server block proxying everything to TARGET (an upstream name or variable).
# Args: PORT TARGET [EXTRA-DIRECTIVE]
nginx_proxy_server() {
  local port=$1 target=$2 extra=${3:-}
  cat <<CONF
  server {
    listen 127.0.0.1:$port reuseport backlog=4096;
    location / {
      proxy_pass http://$target;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      $extra
    }
  }
CONF
}

# The split file of the front proxy: the weighted upstream (smooth weighted round
# robin) and a response header naming this configuration's generation.
# Args: FILE CURRENT_PORT TARGET_PORT CURRENT_WEIGHT TARGET_WEIGHT GENERATION
nginx_split_conf() {
  local file=$1 current=$2 target=$3 weight_current=$4 weight_target=$5 generation=$6
  {
    nginx_upstream_block weighted "127.0.0.1:$current weight=$weight_current" \
      "127.0.0.1:$target weight=$weight_target"
    echo "  map \$host \$bench_generation { default $generation; }"
  } >"$file"
}

# The header lines switchyard-proxy adds to a forwarded request of the benchmark's
# canary (service `bench`, info.version 1.0) and to its answer, as nginx directives:
# the same bytes for the upstream and the client to parse. `x-api-release` is fixed
# to `current` (nginx picks the weighted side after it builds the request headers).
nginx_switchyard_header_lines() {
  # shellcheck disable=SC2016 # nginx variables
  printf '%s\n      ' \
    'proxy_set_header x-request-id $request_id;' \
    'proxy_set_header x-forwarded-for $proxy_add_x_forwarded_for;' \
    'proxy_set_header x-forwarded-proto $scheme;' \
    'proxy_set_header x-api-service bench;' \
    'proxy_set_header x-api-version 1.0;' \
    'proxy_set_header x-api-release current;' \
    'add_header x-api-version 1.0 always;' \
    'add_header x-request-id $request_id always;'
}

# The front proxy: a plain proxy (PLAIN_PORT, current only), a weighted split
# (WEIGHTED_PORT, upstream weights from split.conf), a `split_clients` 10% split
# keyed on \$request_id (SPLIT_CLIENTS_PORT) and the weighted split adding the header
# lines switchyard adds (TAGGED_PORT: a reference for equal header work).
# Args: DIR WORKERS CURRENT_PORT TARGET_PORT PLAIN_PORT WEIGHTED_PORT SPLIT_CLIENTS_PORT
#   [TAGGED_PORT]
nginx_front_conf() {
  local dir=$1 workers=$2 current=$3 target=$4 plain=$5 weighted=$6 clients=$7 tagged=${8:-}
  [[ -f $dir/split.conf ]] || nginx_split_conf "$dir/split.conf" "$current" "$target" 90 10 a
  {
    nginx_head "$dir" "$workers"
    echo "http {"
    nginx_http_common "$dir"
    nginx_upstream_block current "127.0.0.1:$current"
    nginx_upstream_block target "127.0.0.1:$target"
    echo "  include $dir/split.conf;"
    echo "  split_clients \"\${request_id}\" \$bench_variant { 10% target; * current; }"
    nginx_proxy_server "$plain" current
    # shellcheck disable=SC2016 # an nginx variable
    nginx_proxy_server "$weighted" weighted 'add_header x-bench-generation $bench_generation always;'
    nginx_proxy_server "$clients" "\$bench_variant"
    [[ -z $tagged ]] || nginx_proxy_server "$tagged" weighted "$(nginx_switchyard_header_lines)"
    echo "}"
  } >"$dir/nginx.conf"
}
