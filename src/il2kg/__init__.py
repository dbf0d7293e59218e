"""il2kg: a knowledge graph of low-dose interleukin-2 clinical evidence."""
