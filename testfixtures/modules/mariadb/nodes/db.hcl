# The mariadb module on its own.
node "db" {
  module "mariadb" {
    source   = "mariadb"
    database = "mail"
    tables = {
      users = "id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(64) NOT NULL UNIQUE, password VARCHAR(255) NOT NULL"
    }
    views = {
      postfix_users = "SELECT CONCAT(username, '@example.org') AS email FROM users"
    }
    users = {
      postfix = { password = "fixture-password", privileges = ["SELECT"], objects = ["postfix_users"] }
    }
  }
}
