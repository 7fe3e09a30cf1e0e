# Ferry payload signature over manifest.toml
[[signature]]
key = "b0a267021f24e7bf0df7626399b78318d70a8ea9a56a344ad18efadb69c36de2"
ed25519 = "oHD7P6ilEBVz6EkCFFQ+Unlwz9BlzH0olTs5F4iIO8FTafO2V3Pc3KRbSadrZkHdfMZPpPnIF/W5dcLz7gFECQ=="
