server {
    listen ${port};
    server_name ${server_name};
    root ${root};
}
