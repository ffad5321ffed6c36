# ${server_name}: managed by tend (module nginx); local changes are
# replaced.

# Port 80 only redirects: to https on the same host and path.
server {
	listen 80 default_server;
%{ if ipv6 ~}
	listen [::]:80 default_server;
%{ endif ~}
	server_name _;

	return 301 https://$host$request_uri;
}

server {
	listen 443 ssl http2 default_server;
%{ if ipv6 ~}
	listen [::]:443 ssl http2 default_server;
%{ endif ~}
	server_name ${server_name};

	ssl_certificate ${tls_cert_file};
	ssl_certificate_key ${tls_key_file};
	ssl_session_cache shared:SSL:10m;
	ssl_session_timeout 1d;

	root ${document_root};
	index index.html;

	location / {
		try_files $uri $uri/ =404;
	}
}
%{ if extra_config != "" ~}

# Added by the node's configuration (extra_config).
${extra_config}
%{ endif ~}
