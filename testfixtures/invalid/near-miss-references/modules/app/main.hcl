variable "name" {
  type = string
}

output "path" {
  value = "/srv/${var.nme}" # expect-error: 6:19 Reference to undeclared input variable; is declared in this module. Did you mean "name"?
}
