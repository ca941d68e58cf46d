package cerbopenapi

//go:generate go tool oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
