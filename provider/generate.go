package main

//go:generate go run ./internal/gendocs/cmd .. descriptions.go
